// The reporter's terminal handling: the live block is cleared before any other line (stdout included),
// `live([])` clears it, and after Ctrl-C the next message gets a line of its own.
import { describe, expect, it } from "vitest";
import { colors, createReporter, wantsColor } from "../../src/io/reporter";
import { renderScreen } from "../_helpers/terminal";

/** A terminal where stdout and stderr meet. */
function terminal(options: { isTTY?: boolean; outIsTTY?: boolean; color?: boolean; outColor?: boolean } = {}) {
  const stream: string[] = [];
  const reporter = createReporter({
    color: false,
    isTTY: true,
    ...options,
    write: { out: (t) => stream.push(`${t}\n`), err: (t) => stream.push(`${t}\n`), raw: (t) => stream.push(t) },
  });
  return { reporter, stream };
}

describe("live block", () => {
  it("is cleared before a result line on stdout, so the line is not drawn over", () => {
    const { reporter, stream } = terminal();
    reporter.live(["BUILD  in progress  3s"]);
    reporter.result("a log line");
    reporter.live(["BUILD  in progress  4s"]);
    expect(renderScreen(stream)).toEqual(["a log line", "BUILD  in progress  4s"]);
  });

  it("live([]) clears it and writes nothing else", () => {
    const { reporter, stream } = terminal();
    reporter.info("before");
    reporter.live(["one", "two"]);
    reporter.live([]);
    expect(renderScreen(stream)).toEqual(["before"]);
    // Nothing drawn: nothing to clear, no stray newline.
    const written = stream.length;
    reporter.live([]);
    expect(stream).toHaveLength(written);
  });
});

describe("interrupted()", () => {
  it("starts a new line after the terminal's ^C when no live block is shown", () => {
    const { reporter, stream } = terminal();
    reporter.info("a line");
    stream.push("^C"); // what the terminal echoes
    reporter.interrupted();
    reporter.error("error Stopped following build demo:1");
    expect(renderScreen(stream)).toEqual(["a line", "^C", "error Stopped following build demo:1"]);
  });

  it("adds nothing under a live block: clearing the block wipes the ^C too", () => {
    const { reporter, stream } = terminal();
    reporter.live(["BUILD  in progress  3s"]);
    stream.push("^C");
    reporter.interrupted();
    reporter.error("error Stopped following build demo:1");
    expect(renderScreen(stream)).toEqual(["error Stopped following build demo:1"]);
  });

  it("writes nothing outside a terminal (CI, pipes)", () => {
    const { reporter, stream } = terminal({ isTTY: false });
    reporter.interrupted();
    expect(stream).toEqual([]);
  });
});

describe("colour on stdout", () => {
  it("follows the colour choice when one is made (--no-color, tests), else is its own setting", () => {
    expect(terminal({ color: false }).reporter.outColor).toBe(false);
    expect(terminal({ color: true }).reporter.outColor).toBe(true);
    expect(terminal({ color: false, outColor: true }).reporter.outColor).toBe(true);
  });
});

describe("wantsColor: FORCE_COLOR, then NO_COLOR, then the terminal", () => {
  it("FORCE_COLOR turns colour on even when piped, and 0/false turn it off on a terminal", () => {
    expect(wantsColor(false, { FORCE_COLOR: "1" })).toBe(true);
    expect(wantsColor(false, { FORCE_COLOR: "true" })).toBe(true);
    expect(wantsColor(true, { FORCE_COLOR: "0" })).toBe(false);
    expect(wantsColor(true, { FORCE_COLOR: "false" })).toBe(false);
    // Set but empty means unset.
    expect(wantsColor(false, { FORCE_COLOR: "" })).toBe(false);
  });

  it("FORCE_COLOR beats NO_COLOR; NO_COLOR beats the terminal", () => {
    expect(wantsColor(false, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(true);
    expect(wantsColor(true, { NO_COLOR: "1" })).toBe(false);
  });

  it("otherwise a terminal outside CI gets colour, and a pipe, CI or TERM=dumb does not", () => {
    expect(wantsColor(true, {})).toBe(true);
    expect(wantsColor(false, {})).toBe(false);
    expect(wantsColor(true, { CI: "true" })).toBe(false);
    expect(wantsColor(true, { TERM: "dumb" })).toBe(false);
  });

  it("colors() paints with escape codes only when the reporter has colour", () => {
    expect(colors({ color: true }).green("ok")).toBe("\x1b[32mok\x1b[39m");
    expect(colors({ color: false }).green("ok")).toBe("ok");
  });
});
