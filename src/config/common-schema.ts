/**
 * Config parts shared by the registrar's and the agent's config files: the seed record, the owner id, logging
 * and the host:port form of listen and server addresses.
 */
import { z } from 'zod';
import { isListenAddress } from '../net/endpoint.js';

export const hostPort = z.string().refine(isListenAddress, 'expected host:port (IPv6 as [addr]:port)');

/** The seed record. */
export const recordSchema = z
  .object({
    /** The seed name clients use, e.g. seed.db.example.com. */
    name: z
      .string()
      .regex(/^(?=.{1,253}\.?$)([A-Za-z0-9_-]{1,63}\.)+[A-Za-z0-9_-]{1,63}\.?$/, 'expected a fully qualified DNS name'),
    /** TTL of the published records, seconds: how long clients may keep a removed address. */
    ttl: z.number().int().min(1).max(86_400).default(30),
  })
  .strict();

/** Identity in the ownership marker; every replica of one deployment uses the same value. */
export const ownerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,63}$/, 'expected 1-63 letters, digits, dots, dashes or underscores')
  .default('seedkeeper');

export const logSchema = z
  .object({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /** Logs go to stderr: `pretty` lines for people, `json` lines for collectors; default pretty on a terminal, else json. */
    format: z.enum(['pretty', 'json']).optional(),
  })
  .strict()
  .prefault({});
