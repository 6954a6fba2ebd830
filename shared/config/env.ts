import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError } from './config.error';
import { assembleConnectionUrls } from './connection.urls';

export { ConfigError };

/**
 * Parses the environment against a TypeBox object schema whose keys are variable names. Values are
 * converted (strings to numbers and booleans), defaults applied, connection URLs given in parts
 * assembled (connection.urls.ts), and the result frozen. The first bad variable stops the process
 * with a message that names it.
 */
export function parseEnv<T extends TObject>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): Readonly<Static<T>> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(schema, raw);
  const converted = Value.Convert(schema, withDefaults);
  const first = Value.Errors(schema, converted).First();
  if (first) {
    const variable = first.path.replace(/^\//, '').split('/')[0] || '(environment)';
    const shown = env[variable] === undefined ? 'is not set' : `is ${JSON.stringify(env[variable])}`;
    throw new ConfigError(`${variable} ${shown}: ${first.message}${describe(schema.properties[variable])}`);
  }
  return Object.freeze(assembleConnectionUrls(converted as Static<T>));
}

function describe(schema: TSchema | undefined): string {
  return schema?.description ? ` (${schema.description})` : '';
}

/** A TCP port; 0 asks the OS for a free one. */
export const Port = (defaultPort: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort, description });

/** Runs a process's main, printing a config error as one clear line instead of a stack trace. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`configuration error: ${error.message}`);
      process.exit(78);
    }
    console.error(error);
    process.exit(1);
  });
}
