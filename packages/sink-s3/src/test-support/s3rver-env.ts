import { afterAll, beforeAll } from 'vitest';

/**
 * The sink takes credentials from the AWS SDK default chain only, so tests provide them the way a user
 * would: in the environment, with every other source of AWS settings switched off.
 */
const S3RVER_ENV: Readonly<Record<string, string | undefined>> = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_MAX_ATTEMPTS: undefined,
  AWS_RETRY_MODE: undefined,
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function setEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Registers hooks that give the file's tests s3rver's credentials through the environment. */
export function useS3rverCredentials(): void {
  const saved = new Map<string, string | undefined>();
  beforeAll(() => {
    for (const [name, value] of Object.entries(S3RVER_ENV)) {
      saved.set(name, process.env[name]);
      setEnv(name, value);
    }
  });
  afterAll(() => {
    for (const [name, value] of saved) setEnv(name, value);
  });
}
