import { describe, expect, it } from 'vitest';
import { portAdvice } from '../../src/net/seed-ports.js';

describe('portAdvice: what clients dial when a DNS name is their seed', () => {
  it('says nothing when every member listens on 3000 at its own address', () => {
    expect(
      portAdvice(
        [
          { address: '10.0.0.1', port: 3000 },
          { address: '10.0.0.2', port: 3000 },
          { address: '10.0.0.2', port: 3000 },
        ],
        'seed.x',
      ),
    ).toEqual([]);
  });

  it('names members that differ only by port, the one value they collapse into, and what clients will dial', () => {
    const advice = portAdvice(
      [4103, 4101, 4102].map((port) => ({ address: '127.0.0.1', port })),
      'seed.x',
    );
    expect(advice.map((a) => a.code)).toEqual(['shared-ip', 'non-default-port']);
    expect(advice[0]!.message).toBe(
      '3 members differ only by port (127.0.0.1:4101, 127.0.0.1:4102, 127.0.0.1:4103): they collapse into one A value 127.0.0.1, and clients given seed.x will dial 127.0.0.1:3000',
    );
    expect(advice[1]!.message).toMatch(
      /^3 members listen on ports 4101, 4102, 4103, not 3000: .* clients given only seed\.x will dial port 3000; one name carries one port/,
    );
  });

  it('tells clients to seed with name:PORT when every member is on the same other port', () => {
    const advice = portAdvice(
      [
        { address: '10.0.0.1', port: 4000 },
        { address: '10.0.0.2', port: 4000 },
      ],
      'seed.x',
    );
    expect(advice).toEqual([
      {
        code: 'non-default-port',
        message:
          '2 members listen on port 4000, not 3000: A and AAAA records carry no port, so clients given only seed.x will dial port 3000; tell clients to seed with seed.x:4000',
      },
    ]);
  });

  it('treats IPv6 as AAAA, canonically, with brackets', () => {
    const [shared] = portAdvice(
      [
        { address: '2001:DB8::1', port: 3000 },
        { address: '2001:db8:0::1', port: 3001 },
      ],
      'seed.x',
    );
    expect(shared!.message).toContain(
      'one AAAA value 2001:db8::1, and clients given seed.x will dial [2001:db8::1]:3000',
    );
  });
});
