import { test } from 'vitest';
import { createAndLookAround } from './isolation.mjs';

test('file b sees only its own session', () => createAndLookAround('b', 'a'));
