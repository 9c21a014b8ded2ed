// Variables of the unit type only, over .cody/variables/.
export default {
  testShards: 2,
};
