export { CLI_VERSION, runCli } from './cli/main.js';
export type { CliIo } from './cli/io.js';
export type { CliVerdict } from './cli/report.js';
