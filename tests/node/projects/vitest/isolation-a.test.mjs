import { test } from 'vitest';
import { createAndLookAround } from './isolation.mjs';

test('file a sees only its own session', () => createAndLookAround('a', 'b'));
