// The fleet's exit code: the worst of its jobs'. "Worst" is an order, not the largest number:
// interrupted (130) > a stack operation failed (2) > missing permissions (3) > bad input or an AWS
// error (1) > drifted (4) > ok (0). A run cut short says so first; a stack left failed in AWS matters
// more than one that was never touched for lack of permissions.
import { ExitCode } from "../errors";

export const SEVERITY: readonly ExitCode[] = [ExitCode.interrupted, ExitCode.failed, ExitCode.permissions, ExitCode.input, ExitCode.drifted, ExitCode.ok];

function rank(code: number): number {
  const at = SEVERITY.indexOf(code as ExitCode);
  // A code cody does not know ranks with bad input/errors: not ok, not worse than a failure.
  return at === -1 ? SEVERITY.indexOf(ExitCode.input) : at;
}

export function worstExitCode(codes: readonly number[]): number {
  return codes.reduce<number>((worst, code) => (rank(code) < rank(worst) ? code : worst), ExitCode.ok);
}
