import Building from './5-building.js';
import SkyHighBuilding from './6-sky_high.js';

const building = new SkyHighBuilding(80, 3);
console.log(building instanceof Building, building._sqft, building._floors);
console.log(building.evacuationWarningMessage());
