import { describe, expect, it } from 'vitest';
import { ProtocolError, ResponseTooLargeError } from '../../src/protocol/errors.js';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { MessageType } from '../../src/protocol/header.js';
import { PORTS, threeNodes } from './fixture-data.js';

/** Every captured reply of one node as wire bytes, in fixture order. */
function wire(port: string): { bytes: Buffer; bodies: string[] } {
  const replies = Object.values(threeNodes.nodes[port]!);
  return {
    bytes: Buffer.concat(
      replies.map((r) => Buffer.concat([Buffer.from(r.header, 'hex'), Buffer.from(r.body, 'utf8')])),
    ),
    bodies: replies.map((r) => r.body),
  };
}

describe('FrameDecoder', () => {
  it('splits the captured replies of a node sent back to back in one chunk', () => {
    for (const port of PORTS) {
      const { bytes, bodies } = wire(port);
      const frames = new FrameDecoder({ expectedType: MessageType.Info }).push(bytes);
      expect(frames.map((f) => f.body.toString('utf8'))).toEqual(bodies);
      expect(frames.every((f) => f.header.type === MessageType.Info && f.headerBytes.length === 8)).toBe(true);
    }
  });

  it('gives the same frames when the bytes arrive one at a time', () => {
    const { bytes, bodies } = wire('3102');
    const decoder = new FrameDecoder();
    const got: string[] = [];
    for (let i = 0; i < bytes.length; i++) {
      for (const f of decoder.push(bytes.subarray(i, i + 1))) got.push(f.body.toString('utf8'));
    }
    expect(got).toEqual(bodies);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('holds an incomplete frame until the rest arrives', () => {
    const { header, body } = threeNodes.nodes['3103']!.replicas!;
    const bytes = Buffer.concat([Buffer.from(header, 'hex'), Buffer.from(body)]);
    const decoder = new FrameDecoder();
    expect(decoder.push(bytes.subarray(0, 100))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(100);
    const [f] = decoder.push(bytes.subarray(100));
    expect(f?.body.toString()).toBe(body);
    expect(f?.headerBytes.toString('hex')).toBe(header);
  });

  it('returns an empty body for a zero-size frame', () => {
    const frames = new FrameDecoder().push(Buffer.from('0201000000000000', 'hex'));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.body.length).toBe(0);
  });

  it('does not let later pushes alias earlier frame bodies', () => {
    const decoder = new FrameDecoder();
    const input = Buffer.concat([Buffer.from('0201000000000002', 'hex'), Buffer.from('ab')]);
    const [f] = decoder.push(input);
    input.fill(0);
    expect(f!.body.toString()).toBe('ab');
  });

  it('rejects a bad header and a body over the limit', () => {
    expect(() => new FrameDecoder().push(Buffer.from('0301000000000000', 'hex'))).toThrow(ProtocolError);
    expect(() =>
      new FrameDecoder({ expectedType: MessageType.Info }).push(Buffer.from('0202000000000000', 'hex')),
    ).toThrow(ProtocolError);
    expect(() => new FrameDecoder({ maxBodySize: 16 }).push(Buffer.from('0201000000000011', 'hex'))).toThrow(
      ResponseTooLargeError,
    );
  });
});

describe('FrameDecoder.bufferedBytes', () => {
  it('counts a decoded header whose body has not arrived yet', () => {
    // A header alone is "received but not yet returned": a reader checking for a partial or extra reply
    // must see it (this used to read 0).
    const decoder = new FrameDecoder();
    expect(decoder.push(Buffer.from('0201000000000004', 'hex'))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(8);
    decoder.push(Buffer.from('ab'));
    expect(decoder.bufferedBytes).toBe(10);
    expect(decoder.push(Buffer.from('cd'))).toHaveLength(1);
    expect(decoder.bufferedBytes).toBe(0);
  });
});
