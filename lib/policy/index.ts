export * from './decision';
export * from './policy';
export * from './profile';
