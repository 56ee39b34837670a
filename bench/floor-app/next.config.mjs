// Deliberately empty: the floor runs on Next's defaults. The file exists so that Next, which looks for its
// config upwards from the project folder, can never pick up another one.
const floorConfig = {};

export default floorConfig;
