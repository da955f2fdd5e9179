/** What firmware-template/src/main.ts prints on every board. */
export const templateLines = [
  "Hello from TypeScript on bare metal!",
  "tick 1 { squared: 1 }",
  "tick 2 { squared: 4 }",
  "tick 3 { squared: 9 }",
  "engine heap: ok",
];
