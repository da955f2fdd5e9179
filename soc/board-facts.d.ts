/**
 * The facts of the board a firmware is built for, from boards/<name>/board.json. The bundler
 * generates this module for each build (tools/lib/bundle.ts), so a SoC family's board module and
 * loop unit serve every board of the family and the values are literals in the bundle.
 */
declare module "tsmetal:board" {
  /** The board's name: its folder under boards/. */
  export const name: string;
  /**
   * board.json's "config": the few values the boards of one SoC family differ by. The bundler
   * makes it an enum, so each read is a literal in the bundle.
   */
  export const config: Readonly<Record<string, string | number | undefined>>;
}
