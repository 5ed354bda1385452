import Building from './5-building.js';

// A subclass that does override the method is built without error.
class Tower extends Building {
  evacuationWarningMessage() {
    return `Leave the ${this.sqft} sqft`;
  }
}
const tower = new Tower(300);
console.log(tower.sqft, tower.evacuationWarningMessage());
console.log(new Building(5).sqft);
