/*
 * Prices as data: the table's shape (`types`), the AWS us-east-1 figures with their sources
 * (`aws-us-east-1`), their validation (`validate`) and the `PriceTable` that holds them.
 */
export * from './types';
export * from './price-table';
export { validatePriceTable } from './validate';
