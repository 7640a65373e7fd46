export * from './decision';
export * from './policy';
export * from './pricing';
export * from './profile';
