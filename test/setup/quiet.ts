/**
 * Passing tests print nothing. Every console call made while a test file runs is collected; a
 * test during which something was printed fails with what it printed, so noise (a validator's
 * warnings, a forgotten debug line, an explanation table) is fixed where it comes from instead of
 * scrolling past. A test that means to read console output spies on it itself (`jest.spyOn`).
 */
import { format } from 'util';

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
let printed: string[] = [];

for (const method of METHODS) {
  // eslint-disable-next-line no-console
  console[method] = (...args: unknown[]) => {
    printed.push(`console.${method}: ${format(...args)}`);
  };
}

function takePrinted(): string[] {
  const out = printed;
  printed = [];
  return out;
}

beforeEach(() => {
  takePrinted(); // output of a beforeAll or of module loading is reported by afterAll
});

afterEach(() => {
  const out = takePrinted();
  if (out.length > 0) {
    throw new Error(`a passing test prints nothing, but this one printed:\n${out.join('\n').slice(0, 4000)}`);
  }
});

afterAll(() => {
  const out = takePrinted();
  if (out.length > 0) {
    throw new Error(`this test file printed outside its tests:\n${out.join('\n').slice(0, 4000)}`);
  }
});
