// The reporter's terminal handling: the live block is cleared before any other line (stdout included),
// `live([])` clears it, and after Ctrl-C the next message gets a line of its own.
import { describe, expect, it } from "vitest";
import { createReporter } from "../../src/io/reporter";
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
