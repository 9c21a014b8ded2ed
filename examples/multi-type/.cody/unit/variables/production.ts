export default {
  testShards: 4,
};
