// The console adapter's public face: wires the line reader and the printing platform.
export { createConsolePlatform } from "./console-platform.js";
export type { ConsoleIo, ConsolePlatformAdapter } from "./console-platform.js";
export { renderText } from "./render-text.js";
