// config.yaml → a Plan, or a ConfigError with every problem at file:line:col (the file's own, the people
// file's, and what compiling and checking found), sorted by place.
import { ConfigError, readConfig, readConfigText } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { buildPlan, type Plan } from './plan.ts';

export function parsePlan(text: string, file: string, env: NodeJS.ProcessEnv = process.env, reuse?: Plan): Plan {
  const read = readConfig(text, file, env);
  const { plan, problems } = buildPlan(read.parts, reuse);
  if (read.problems.length > 0 || read.placed.length > 0 || problems.length > 0) throw new ConfigError(read.located(problems));
  return plan;
}

export function loadPlan(file: string, env: NodeJS.ProcessEnv = process.env, reuse?: Plan): Plan {
  return parsePlan(readConfigText(file), file, env, reuse);
}

/** The checked config alone (what tests and `relay replay`'s callers read settings from). */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Config {
  return parsePlan(text, file, env).config;
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  return loadPlan(file, env).config;
}
