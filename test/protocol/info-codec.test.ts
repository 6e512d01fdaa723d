import { describe, expect, it } from 'vitest';
import { InfoParseError, InfoServerError, ProtocolError } from '../../src/protocol/errors.js';
import {
  decodeInfoRequest,
  encodeInfoRequest,
  formatInfoError,
  matchInfoReply,
  parseInfoError,
  parseInfoResponse,
} from '../../src/protocol/info-codec.js';
import { parseUnsignedGeneration, parsePartitionGeneration } from '../../src/protocol/values/generation.js';
import { parseNodeId } from '../../src/protocol/values/node-id.js';
import { MULTI, NODE_OF_PORT, PORTS, a3Stopped, reply, threeNodes } from './fixture-data.js';

describe('info replies: captured cluster', () => {
  it('every single-command body is one entry echoing the command', () => {
    for (const node of Object.values(threeNodes.nodes)) {
      for (const [command, { body }] of Object.entries(node)) {
        if (command === MULTI) continue;
        const entries = parseInfoResponse(Buffer.from(body, 'utf8'));
        expect(entries).toHaveLength(1);
        expect(entries[0]!.name).toBe(command);
        expect(body).toBe(`${command}\t${entries[0]!.value}\n`);
      }
    }
  });

  it('matches the multi-command tend request by position and parses its values', () => {
    const commands = ['node', 'peers-generation', 'partition-generation'];
    for (const port of PORTS) {
      const matched = matchInfoReply(commands, reply(port, MULTI).body);
      expect(parseNodeId(matched.value('node'))).toBe(NODE_OF_PORT[port]);
      expect(parseUnsignedGeneration('peers-generation', matched.value('peers-generation'))).toBe(4);
      expect(parsePartitionGeneration(matched.value('partition-generation'))).toBe(0);
    }
  });

  it('turns the captured error values into InfoServerError', () => {
    const unknown = matchInfoReply(['no-such-command'], reply('3101', 'no-such-command').body);
    expect(() => unknown.value('no-such-command')).toThrow(InfoServerError);
    expect(unknown.optional('no-such-command')).toBeUndefined();
    expect(parseInfoError(unknown.raw('no-such-command')!)).toEqual({ code: 4, message: 'unrecognized command' });

    const tls = matchInfoReply(['peers-tls-std'], reply('3102', 'peers-tls-std').body);
    const error = (() => {
      try {
        tls.value('peers-tls-std');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InfoServerError);
    expect((error as InfoServerError).serverCode).toBe(25);
    expect((error as InfoServerError).serverMessage).toBe('enterprise only');
  });

  it('keeps an empty value (service-clear-alt) distinct from a missing one', () => {
    const matched = matchInfoReply(['service-clear-alt', 'service-clear-std'], reply('3103', 'service-clear-alt').body);
    expect(matched.value('service-clear-alt')).toBe('');
    expect(matched.has('service-clear-std')).toBe(false);
    expect(() => matched.value('service-clear-std')).toThrow(InfoParseError);
  });

  it('reads the truncated statistics body of the A3-stopped capture (no final LF)', () => {
    const body = a3Stopped['3101']!.statistics!;
    const [entry] = parseInfoResponse(body);
    expect(entry!.name).toBe('statistics');
    expect(entry!.value).toMatch(/^failed_best_practices=true;cluster_size=2;/);
  });

  it('rejects a reply that names a command not requested', () => {
    expect(() => matchInfoReply(['node'], reply('3101', 'build').body)).toThrow(ProtocolError);
  });

  it('rejects replies out of request order', () => {
    expect(() => matchInfoReply(['partition-generation', 'node'], 'node\tA1\npartition-generation\t0\n')).toThrow(
      ProtocolError,
    );
  });
});

describe('info codec', () => {
  it('encodes the §1.2 example request', () => {
    const body = encodeInfoRequest(['node', 'partition-generation', 'build']);
    expect(body.toString()).toBe('node\npartition-generation\nbuild\n');
    expect(body.length).toBe(32);
    expect(decodeInfoRequest(body)).toEqual(['node', 'partition-generation', 'build']);
  });

  it('drops an unterminated last request line, as the server does', () => {
    expect(decodeInfoRequest('node\nbuild')).toEqual(['node']);
  });

  it('refuses commands with TAB or LF', () => {
    expect(() => encodeInfoRequest(['a\tb'])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => encodeInfoRequest([''])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('reads a line without TAB as a name with an empty value', () => {
    expect(parseInfoResponse('node\nbuild\t8.1.2.0\n')).toEqual([
      { name: 'node', value: '' },
      { name: 'build', value: '8.1.2.0' },
    ]);
  });

  it('splits on the first TAB only', () => {
    expect(parseInfoResponse('x\ta\tb\n')).toEqual([{ name: 'x', value: 'a\tb' }]);
  });

  it('turns an un-echoed ERROR line into InfoServerError', () => {
    expect(() => matchInfoReply(['node', 'build'], 'ERROR:80:not authenticated\n')).toThrow(InfoServerError);
  });

  it('recognises error values and maps code 0 to 1', () => {
    expect(parseInfoError('ERROR::msg')).toEqual({ code: 1, message: 'msg' });
    expect(parseInfoError('ERROR:0:x')).toEqual({ code: 1, message: 'x' });
    expect(parseInfoError('FAIL:9:timeout')).toEqual({ code: 9, message: 'timeout' });
    expect(parseInfoError('ok')).toBeUndefined();
    expect(parseInfoError(formatInfoError(25, 'enterprise only'))).toEqual({ code: 25, message: 'enterprise only' });
  });
});
