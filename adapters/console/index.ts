// The console adapter's public face: wires the line reader and the printing platform.
export { createConsoleAdapter } from "./console-platform.js";
export type { ConsoleAdapter, ConsoleOptions } from "./console-platform.js";
export { renderText } from "./render-text.js";
