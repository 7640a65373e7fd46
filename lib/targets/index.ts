export * from './lambda';
export * from './kubernetes';
export * from './hybrid';
