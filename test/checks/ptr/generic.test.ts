import { describe, expect, it } from 'vitest';
import { genericNameReason } from '../../../checks/ptr/generic.js';
import { parseIp } from '../../../src/ip.js';

const ip = (s: string) => parseIp(s)!;

describe('genericNameReason: generic and dynamic names', () => {
  it.each([
    ['ec2-54-12-34-56.compute-1.amazonaws.com', '54.12.34.56', /cloud provider/],
    ['ec2-3-120-1-2.eu-central-1.compute.amazonaws.com', '3.120.1.2', /cloud provider/],
    ['56.34.12.35.bc.googleusercontent.com', '35.12.34.56', /cloud provider/],
    ['static.56.34.12.88.clients.your-server.de', '88.12.34.56', /cloud provider/],
    ['pool-71-105-44-3.nycmny.fios.verizon.net', '71.105.44.3', /address/],
    ['c-67-180-12-34.hsd1.ca.comcast.net', '67.180.12.34', /address/],
    ['cpe-1-2-3-4.nyc.res.rr.com', '1.2.3.4', /address/],
    ['4.3.2.1.static.isp.example', '1.2.3.4', /address/], // "static" still generic when the IP is in it
    ['host001002003004.isp.example', '1.2.3.4', /001002003004/],
    ['10x20x30x40.isp.example', '10.20.30.40', /address/],
    ['p5b0c1a2f.dip0.t-ipconnect.de', '91.12.26.47', /5b0c1a2f/],
    ['ns3001234.ip-51-68-12.eu', '51.68.12.99', /51-68-12/],
    ['adsl.customer.isp.example', '192.0.2.7', /"adsl"/],
    ['dyn123.isp.example', '192.0.2.7', /"dyn"/],
    ['dhcp-pool.isp.example', '192.0.2.7', /"dhcp"/],
    ['broadband.isp.example', '192.0.2.7', /"broadband"/],
    ['ip-77.isp.example', '192.0.2.7', /ip-77/],
    ['host-12-7.isp.example', '192.0.2.7', /host-12/],
    ['2001-db8--1.v6.isp.example', '2001:db8::1', /2001-db8--1/],
    ['20010db8000000000000000000000001.isp.example', '2001:db8::1', /address/],
  ])('%s (for %s) is generic', (name, addr, reason) => {
    expect(genericNameReason(name, ip(addr))).toMatch(reason);
  });
});

describe('genericNameReason: names of mail servers', () => {
  it.each([
    ['mail.example.com', '192.0.2.10'],
    ['mx1.example.com', '1.2.3.4'],
    ['smtp-out.example.com', '192.0.2.10'],
    ['static-mail.example.com', '192.0.2.10'], // "static" alone is not dynamic
    ['mail.dynamicsmail.com', '192.0.2.10'], // keywords only as whole tokens
    ['mail.pool.example', '192.0.2.10'], // keyword in the registrable domain does not count
    ['o1.outbound.example.net', '2001:db8::1'],
    ['host13.example.com', '192.0.2.13'],
  ])('%s (for %s) is not generic', (name, addr) => {
    expect(genericNameReason(name, ip(addr))).toBeUndefined();
  });
});
