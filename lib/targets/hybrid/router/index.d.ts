/** Types of the control-plane router (index.js, plain JavaScript shipped as the function's code). @internal */
import type { Agent } from 'http';

export interface RouterDependencies {
  /** An SDK v3 LambdaClient, or a stub with `send(command, { abortSignal })`. */
  readonly lambda?: { send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any> };
  /** The InvokeCommand class (a stub keeps `input`). */
  readonly InvokeCommand?: new (input: any) => any;
  /** Where metric lines go. @default - stdout */
  readonly log?: (line: string) => void;
  /** @default Date.now */
  readonly now?: () => number;
  /** HTTP agent for the data plane; `false` for a connection per request. @default - a keep-alive agent */
  readonly agent?: Agent | false;
}

export interface BufferedResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies?: string[];
  readonly body: string;
  readonly isBase64Encoded: boolean;
}

export interface Router {
  buffered(event: any, context?: any): Promise<BufferedResult>;
  streaming(event: any, responseStream: NodeJS.WritableStream, context: any, awslambda: any): Promise<void>;
  readonly config: Record<string, any>;
  close(): void;
}

export function createRouter(env: Record<string, string | undefined>, deps?: RouterDependencies): Router;
export function handlerFor(env: Record<string, string | undefined>, deps: RouterDependencies, awslambda: any): (...args: any[]) => any;
export const SYNC_PAYLOAD_LIMIT: number;
