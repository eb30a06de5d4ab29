import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REASONS, WIRE_STATUS, isReasonCode } from '@cimd/core';
import { CLIENT_AUTH_REASONS } from '../src/reasons/client-auth.js';
import { CLIENT_DOCUMENT_REASONS } from '../src/reasons/client-id-and-document.js';
import { DISCOVERY_REASONS } from '../src/reasons/discovery.js';
import { RESOURCE_REASONS } from '../src/reasons/resource.js';
import { SERVER_REASONS } from '../src/reasons/server.js';
import { TRUST_REASONS } from '../src/reasons/trust.js';

const GROUPS = [CLIENT_DOCUMENT_REASONS, DISCOVERY_REASONS, SERVER_REASONS, CLIENT_AUTH_REASONS, RESOURCE_REASONS, TRUST_REASONS];

test('every reason code is defined in exactly one group, so none is silently overwritten', () => {
  const all = GROUPS.flatMap((g) => Object.keys(g));
  assert.equal(new Set(all).size, all.length, `defined twice: ${all.filter((k, i) => all.indexOf(k) !== i).join(', ')}`);
  assert.equal(Object.keys(REASONS).length, all.length);
});

test('every reason maps to a wire code with a status, has a summary, names a well-formed requirement', () => {
  for (const [code, info] of Object.entries(REASONS)) {
    assert.match(code, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'codes are kebab-case');
    assert.ok(isReasonCode(code));
    assert.ok(Object.hasOwn(WIRE_STATUS, info.wire), `${code}: ${info.wire}`);
    assert.ok(info.summary.length > 10 && !info.summary.endsWith('.'), `${code}: summary`);
    if ('requirement' in info) assert.match(info.requirement, /^(R\d+|H\d+|J\d+|M-[A-Z]+\d+)$/, code);
  }
  assert.equal(isReasonCode('no-such-reason'), false);
});
