/** Load and validate a registrar config file (see config-schema.ts for every option and its default). */
import { loadDocument, validateDocument } from '../config/file.js';
import { configSchema, type RegistrarConfig } from './config-schema.js';

/** Validate an already-parsed document. */
export function validateConfig(document: unknown, file = 'config'): RegistrarConfig {
  return validateDocument(configSchema, document, file);
}

export function loadConfig(file: string): Promise<RegistrarConfig> {
  return loadDocument(configSchema, file);
}
