// `--since`: relative ages (with combinations), ISO times, and errors with a fix.
import { describe, expect, it } from "vitest";
import { parseSince } from "../../src/builds/since";
import { configErrorFrom } from "../_helpers/project";

const NOW = new Date("2024-05-01T12:00:00.000Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("parseSince", () => {
  it.each([
    ["30s", ago(30 * S)],
    ["10m", ago(10 * M)],
    ["2h", ago(2 * H)],
    ["1d", ago(D)],
    ["1w", ago(7 * D)],
    ["1h30m", ago(90 * M)],
    ["1d2h3m4s", ago(D + 2 * H + 3 * M + 4 * S)],
    ["2w1d", ago(15 * D)],
    [" 1h 30m ", ago(90 * M)],
    ["90m", ago(90 * M)],
    ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00.000Z"],
    ["2024-05-01T10:00:00.250Z", "2024-05-01T10:00:00.250Z"],
    ["2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00.000Z"],
    ["2024-05-01T05:30:00-0500", "2024-05-01T10:30:00.000Z"],
    ["2024-05-01 10:00:00", "2024-05-01T10:00:00.000Z"],
    ["2024-05-01T10:00", "2024-05-01T10:00:00.000Z"],
    ["2024-04-30", "2024-04-30T00:00:00.000Z"],
  ])("%s", (input, expected) => {
    expect(parseSince(input, NOW).toISOString()).toBe(expected);
  });

  it.each([
    ["", /is empty/],
    ["10", /has no unit/],
    ["10M", /unknown unit "M"/],
    ["5y", /unknown unit "y"/],
    ["30m1h", /out of order/],
    ["1h1h", /repeats a unit/],
    ["0m", /is zero/],
    ["yesterday", /neither a relative time nor an ISO time/],
    ["2024-02-30T10:00:00Z", /not a real date/],
    ["2024-05-01T25:00:00Z", /not a real date/],
    ["2024-05-02T00:00:00Z", /in the future/],
    ["1.5h", /neither/],
  ])("refuses %j", (input, message) => {
    const error = configErrorFrom(() => parseSince(input, NOW));
    expect(error.issues[0]?.field).toBe("--since");
    expect(error.issues[0]?.message).toMatch(message);
    expect(error.issues[0]?.fix).toMatch(/30s, 10m, 2h, 1d, 1w or 1h30m.*ISO time/);
  });
});
