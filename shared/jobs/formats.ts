import { FormatRegistry } from '@sinclair/typebox';

// TypeBox's own checker knows no string formats; Fastify's Ajv does. Register the ones our queue
// payloads use so both ends of a queue agree.
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => uuid.test(value));
