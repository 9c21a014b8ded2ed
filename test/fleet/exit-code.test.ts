// The fleet's exit code is the worst of its stacks', in the documented order (docs/scale.md).
import { describe, expect, it } from "vitest";
import { ExitCode } from "../../src/errors";
import { SEVERITY, worstExitCode } from "../../src/fleet/exit-code";

describe("worstExitCode", () => {
  it("is 0 for no stacks and for stacks that all succeeded", () => {
    expect(worstExitCode([])).toBe(0);
    expect(worstExitCode([0, 0, 0])).toBe(0);
  });

  it("orders interrupted > failed > permissions > input > drifted > ok", () => {
    expect(SEVERITY).toEqual([130, 2, 3, 1, 4, 0]);
    expect(worstExitCode([0, 1, 3])).toBe(ExitCode.permissions);
    expect(worstExitCode([3, 2, 1])).toBe(ExitCode.failed);
    expect(worstExitCode([2, 130, 0])).toBe(ExitCode.interrupted);
    expect(worstExitCode([4, 1])).toBe(ExitCode.input);
    expect(worstExitCode([0, 4])).toBe(ExitCode.drifted);
  });

  it("does not depend on the order of the stacks", () => {
    const codes = [0, 4, 1, 3, 2];
    for (let i = 0; i < codes.length; i++) expect(worstExitCode([...codes.slice(i), ...codes.slice(0, i)])).toBe(2);
  });

  it("ranks an unknown code like an error: not ok, below a failure", () => {
    expect(worstExitCode([0, 7])).toBe(7);
    expect(worstExitCode([7, 2])).toBe(2);
  });
});
