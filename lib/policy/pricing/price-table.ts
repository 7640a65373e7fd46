import { AWS_US_EAST_1, MANAGED_INSTANCES_LIST_PRICES, NLB_LIST_PRICES } from './aws-us-east-1';
import { LambdaPrices, ManagedInstancesPrices, NetworkLoadBalancerPrices, PriceTableProps } from './types';
import { validatePriceTable } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { PriceTableReference } from '../decision-parts';
import { CpuArchitecture } from '../profile';

/**
 * Prices as data: a dated, sourced table of Lambda prices, a GPU instance catalog, CPU node
 * references and per-cluster overhead. Every decision names the table it was priced with.
 *
 * Use `PriceTable.awsUsEast1()` (the default), or pass negotiated prices or another region with
 * `PriceTable.custom(...)` / `PriceTable.fromJson(...)` (or the `inference-workload:priceTable`
 * CDK context key).
 */
export class PriceTable {
  /**
   * AWS list prices for us-east-1, on-demand, Linux (the default table).
   */
  public static awsUsEast1(): PriceTable {
    return DEFAULT_TABLE;
  }

  /**
   * A table of your own (negotiated prices, another region). Validated: every price finite and
   * non-negative, every instance type unique, dates in ISO 8601.
   */
  public static custom(props: PriceTableProps): PriceTable {
    return new PriceTable(validatePriceTable(props, 'priceTable'));
  }

  /**
   * A table from parsed JSON (for example a CDK context value), in the shape of `PriceTableProps`.
   * A JSON string is parsed first. Validated like `custom()`.
   */
  public static fromJson(json: any): PriceTable {
    let value = json;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch (e) {
        throw new InferenceWorkloadValidationError(`'priceTable' must be a JSON object, got a string that does not parse (${(e as Error).message})`);
      }
    }
    return new PriceTable(validatePriceTable(value, 'priceTable'));
  }

  /** Every figure of the table (validated, with defaults applied). */
  public readonly props: PriceTableProps;
  private _reference?: PriceTableReference;

  private constructor(props: PriceTableProps) {
    this.props = props;
  }

  /** Name of the table. */
  public get name(): string {
    return this.props.name;
  }

  /**
   * What a decision records about the table it was priced with: one frozen value per table, so
   * that the decisions priced with it share it (the report writes each table once).
   */
  public get reference(): PriceTableReference {
    this._reference ??= Object.freeze({
      name: this.props.name,
      region: this.props.region,
      effectiveDate: this.props.effectiveDate,
      source: this.props.source,
      currency: this.props.currency ?? 'USD',
    });
    return this._reference;
  }

  /** Lambda prices for an architecture (`any` prices as arm64, the cheaper one). */
  public lambdaPrices(architecture: CpuArchitecture): LambdaPrices {
    return architecture === CpuArchitecture.X86_64 ? this.props.lambdaX86 : this.props.lambdaArm64;
  }

  /** Lambda Managed Instances' management fee and request price. */
  public get managedInstancesPrices(): ManagedInstancesPrices {
    return this.props.managedInstances ?? MANAGED_INSTANCES_LIST_PRICES;
  }

  /** Network Load Balancer prices. */
  public get networkLoadBalancerPrices(): NetworkLoadBalancerPrices {
    return this.props.networkLoadBalancer ?? NLB_LIST_PRICES;
  }

  /** A JSON-ready copy of the table, accepted by `PriceTable.fromJson()`. */
  public toJson(): any {
    return JSON.parse(JSON.stringify(this.props));
  }
}

const DEFAULT_TABLE = PriceTable.custom(AWS_US_EAST_1);
