declare module "@ericcornelissen/bash-parser" {
  interface Position {
    row: number;
    col: number;
    char: number;
  }
  export interface BashNode {
    type: string;
    text?: string;
    loc?: { start: Position; end: Position };
    [key: string]: unknown;
  }
  export default function parse(source: string, options?: { insertLOC?: boolean; mode?: "posix" | "bash" }): BashNode;
}
