// Replays what a reporter wrote into the screen a terminal would show, understanding just the
// sequences the live view uses: newline, carriage return, cursor up (ESC[nA), clear to end (ESC[0J).
export function renderScreen(stream: string[]): string[] {
  const screen: string[] = [""];
  let row = 0;
  let col = 0;
  const text = stream.join("");
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\x1b") {
      // CSI: ESC [ digits letter
      let end = i + 2;
      while (end < text.length && /\d/.test(text[end])) end += 1;
      const sequence = text.slice(i, end + 1);
      if (text[i + 1] !== "[" || !/[A-Za-z]/.test(text[end] ?? "")) throw new Error(`unknown escape sequence at ${i}: ${JSON.stringify(text.slice(i, i + 8))}`);
      const digits = text.slice(i + 2, end);
      const n = digits === "" ? 1 : Number(digits);
      if (text[end] === "A") row = Math.max(0, row - n);
      else if (text[end] === "J" && n === 0) {
        screen.length = row + 1;
        screen[row] = screen[row].slice(0, col);
      } else throw new Error(`unsupported escape sequence ${JSON.stringify(sequence)}`);
      i = end;
    } else if (ch === "\n") {
      row += 1;
      col = 0;
      if (screen.length <= row) screen.push("");
    } else if (ch === "\r") {
      col = 0;
    } else {
      const line = screen[row].padEnd(col);
      screen[row] = line.slice(0, col) + ch + line.slice(col + 1);
      col += 1;
    }
  }
  // The cursor sits on an empty last line after a final newline.
  if (screen[screen.length - 1] === "") screen.pop();
  return screen;
}
