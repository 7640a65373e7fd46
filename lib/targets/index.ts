export * from './lambda';
export * from './kubernetes';
export * from './hybrid';
export * from './lambda-managed-instances';
