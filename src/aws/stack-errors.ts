// How CloudFormation says a stack is not there: used by deploy/ and builds/, so it lives below both.
import { errorChain } from "./errors";

/** CloudFormation says "Stack with id X does not exist" for a stack it does not know. */
export function isMissingStackError(error: unknown): boolean {
  return errorChain(error).some((e) => typeof e.message === "string" && /does not exist/i.test(e.message));
}
