// Go's text/tabwriter as kubectl configures it (minwidth 6, padding 3, pad with spaces, remembered
// widths): aligns rows of cells into left-aligned columns. Pure string work; never writes anywhere.

export const MIN_WIDTH = 6;
export const PADDING = 3;

const width = (s: string): number => [...s].length;

export class TabWriter {
  /** Column widths kept across flushes (kubectl's RememberWidths), so watch rows line up with the list. */
  private remembered: number[] = [];

  constructor(private readonly remember = false) {}

  /** Aligns one block of rows; every cell but each row's last is padded to its column's width. */
  format(rows: readonly (readonly string[])[]): string {
    const widths: number[] = this.remember ? [...this.remembered] : [];
    for (const row of rows) {
      for (let i = 0; i < row.length - 1; i++) {
        const w = Math.max(MIN_WIDTH, width(row[i]) + PADDING);
        if (widths[i] === undefined || widths[i] < w) widths[i] = w;
      }
    }
    if (this.remember) this.remembered = widths;
    let out = '';
    for (const row of rows) {
      let line = '';
      for (let i = 0; i < row.length; i++) {
        line += i < row.length - 1 ? row[i] + ' '.repeat(widths[i] - width(row[i])) : row[i];
      }
      out += line + '\n';
    }
    return out;
  }

  reset(): void {
    this.remembered = [];
  }
}

/** Convenience: aligns rows with a fresh writer. */
export function alignRows(rows: readonly (readonly string[])[]): string {
  return new TabWriter().format(rows);
}

/**
 * Go's text/tabwriter algorithm in full, for text whose cells are tab-terminated (kubectl describe
 * uses minwidth 0, padding 2): a column block is a run of consecutive lines that have that cell.
 */
export function goTabwriter(text: string, minWidth: number, padding: number): string {
  const lines = text.split('\n').map((l) => l.split('\t'));
  // a trailing newline leaves one empty line that is not output
  const last = lines.length - 1;
  const hasTrailingNewline = lines[last].length === 1 && lines[last][0] === '';
  if (hasTrailingNewline) lines.pop();
  const widths: number[] = [];
  const out: string[] = [];
  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i];
      let s = '';
      for (let j = 0; j < cells.length; j++) {
        if (j < cells.length - 1) s += cells[j] + ' '.repeat(Math.max(0, widths[j] - width(cells[j])));
        else s += cells[j];
      }
      out.push(s);
    }
  };
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i].length - 1) continue;
      writeLines(line0, i);
      line0 = i;
      let w = minWidth;
      for (; i < line1; i++) {
        if (column >= lines[i].length - 1) break;
        w = Math.max(w, width(lines[i][column]) + padding);
      }
      widths.push(w);
      format(line0, i);
      widths.pop();
      line0 = i;
      i--; // the for loop's i++ resumes at the line that ended the block
    }
    writeLines(line0, line1);
  };
  format(0, lines.length);
  return out.join('\n') + (hasTrailingNewline ? '\n' : '');
}
