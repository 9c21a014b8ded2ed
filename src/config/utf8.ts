// DSL and buildspec files must be UTF-8. Node's "utf8" decoding turns invalid bytes into U+FFFD
// without a word, so a Latin-1 "é" would reach the template (and the build) as "�". Here the bytes
// are checked first and the first bad one is reported with its line.
import { readFileSync } from "node:fs";
import { configError, type Issue } from "../errors";

export interface Utf8Problem {
  /** Byte offset of the first byte that is not valid UTF-8. */
  offset: number;
  line: number;
  /** 1-based byte column within the line. */
  column: number;
  message: string;
  fix: string;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1 (RFC 3629). */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (i + 1 >= n || bytes[i + 1]! < low || bytes[i + 1]! > high) return i;
    for (let k = 2; k < length; k++) if (i + k >= n || (bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}

const hex = (b: number) => `0x${b.toString(16).toUpperCase().padStart(2, "0")}`;

/** What is wrong with `bytes` as UTF-8 text, or undefined when they are fine. */
export function utf8Problem(bytes: Uint8Array): Utf8Problem | undefined {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const offset = utf16 ? 0 : invalidUtf8Offset(bytes);
  if (offset < 0) return undefined;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = offset - lineStart + 1;
  const byte = bytes[offset]!;
  const save = "Save the file as UTF-8 (in VS Code: the encoding in the status bar → Save with Encoding → UTF-8)";
  if (utf16) {
    return { offset, line, column, message: "the file is UTF-16 text (it starts with a UTF-16 byte order mark); cody reads UTF-8.", fix: `${save}.` };
  }
  // A lone byte from 0xA0 up is how Latin-1 and Windows-1252 store é, ü, ©, ...
  const latin1 = byte >= 0xa0 ? ` It looks like Latin-1 or Windows-1252 text: that byte is "${String.fromCharCode(byte)}" there.` : "";
  return {
    offset,
    line,
    column,
    message: `the file is not valid UTF-8: byte ${hex(byte)} at line ${line}, column ${column} (byte offset ${offset}).${latin1}`,
    fix: `${save}, or retype the character at that line.`,
  };
}

/** Reads a text file that must be UTF-8; throws a ConfigError naming the file and line when it is not. */
export function readUtf8(file: string): string {
  const bytes = readFileSync(file);
  const problem = utf8Problem(bytes);
  if (problem) throw configError(utf8Issue(file, problem));
  return bytes.toString("utf8");
}

export function utf8Issue(file: string, problem: Utf8Problem): Issue {
  return { file, line: problem.line, message: problem.message, fix: problem.fix };
}
