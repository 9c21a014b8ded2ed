// Small formatting helpers shared by the build commands: durations, times, status colours and console links.
import { colors, type Reporter } from "../io/reporter";

/** 0s, 45s, 1m 5s, 2h 3m 4s. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h) return `${h}h ${m}m ${rest}s`;
  if (m) return `${m}m ${rest}s`;
  return `${rest}s`;
}

/** A time for people, in UTC so it reads the same on every machine: `2024-05-01 10:00:00 UTC`. */
export function formatTime(date: Date | undefined): string {
  if (!date) return "";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** Seconds between two times (or from `start` to `now` while the build runs). */
export function secondsBetween(start: Date | undefined, end: Date | undefined, now: Date): number | undefined {
  if (!start) return undefined;
  return Math.max(0, Math.round(((end ?? now).getTime() - start.getTime()) / 1000));
}

export const FAILED_STATUSES = ["FAILED", "FAULT", "TIMED_OUT"];

/** Green for success, red for failures, yellow while running; plain without colour. */
export function paintStatus(reporter: Pick<Reporter, "color">, status: string, text = status): string {
  const c = colors(reporter);
  if (status === "SUCCEEDED") return c.green(text);
  if (FAILED_STATUSES.includes(status)) return c.red(text);
  if (status === "IN_PROGRESS") return c.yellow(text);
  return text;
}

/** Console page of a build, in the partition's console domain. */
export function consoleUrl(region: string, projectName: string, buildId: string): string {
  const host = region.startsWith("cn-")
    ? `${region}.console.amazonaws.cn`
    : region.startsWith("us-gov-")
      ? `${region}.console.amazonaws-us-gov.com`
      : `${region}.console.aws.amazon.com`;
  return `https://${host}/codesuite/codebuild/projects/${encodeURIComponent(projectName)}/build/${encodeURIComponent(buildId)}/log?region=${region}`;
}
