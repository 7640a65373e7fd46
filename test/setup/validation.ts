/**
 * Jest setup (every test file): aws-cdk-lib's template validation runs through the cache, so
 * each template content is validated once across test runs instead of building the validator
 * engine in every test file. The findings are the same (test/validation proves it, against the
 * live validator).
 */
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';
import { CachedCloudFormationValidatePlugin } from '../../lib/validation';

// the app-wide default instance aws-cdk-lib uses when an app registers none of its own
(CloudFormationValidatePlugin as unknown as { _instance?: CloudFormationValidatePlugin })._instance = CachedCloudFormationValidatePlugin.cached();
