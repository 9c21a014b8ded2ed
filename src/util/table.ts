// Plain text tables for the terminal: columns two spaces apart, padded to the widest cell.

/** The lines of a table; `rule` adds a line of dashes under the header. The last column is not padded. */
export function textTable(headers: string[], rows: string[][], options: { rule?: boolean } = {}): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(headers), ...(options.rule ? [line(widths.map((w) => "-".repeat(w)))] : []), ...rows.map(line)];
}
