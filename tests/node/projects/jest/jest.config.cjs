module.exports = {
  preset: '@mirra/node',
  testEnvironmentOptions: { mirra: { mirrors: ['stripe', 'resend'] } },
  testMatch: ['<rootDir>/*.test.cjs'],
};
