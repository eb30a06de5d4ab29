import { readFile } from 'node:fs/promises';
import { CimdError } from '@cimd/core';
import { configFromEnv, configProblems, DEFAULT_CONFIG, mergeConfig, type ConfigInput, type ServerConfig } from '../config.js';

/**
 * Build the configuration: defaults, then the JSON file, then environment variables, then
 * command-line flags. The issuer follows host and port unless it was set explicitly.
 * Throws CimdError `config-invalid` listing every problem.
 */
export async function loadConfig(
  file: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  flags: ConfigInput,
): Promise<ServerConfig> {
  let fromFile: ConfigInput = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new CimdError('config-invalid', `Cannot read the configuration file "${file}": ${(e as Error).message}`);
    }
    try {
      fromFile = JSON.parse(text) as ConfigInput;
    } catch (e) {
      throw new CimdError('config-invalid', `The configuration file "${file}" is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
      throw new CimdError('config-invalid', `The configuration file "${file}" must hold a JSON object`);
    }
  }
  const inputs = [fromFile, configFromEnv(env), flags];
  let config = mergeConfig(...inputs);
  const issuerSet = inputs.some((i) => i.server?.issuer !== undefined);
  if (!issuerSet) {
    const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    config = { ...config, server: { ...config.server, issuer: `http://${host}:${config.server.port}` } };
  }
  const problems = configProblems(config, inputs);
  if (problems.length > 0) {
    throw new CimdError('config-invalid', `The configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return config;
}

export { DEFAULT_CONFIG };
