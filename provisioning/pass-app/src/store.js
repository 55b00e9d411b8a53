// IndexedDB "latchkey-pass": kv (key pair, settings), doors (by door_id), passes (by jti).
const DB = "latchkey-pass";
let dbp = null;

function open() {
  if (!dbp) {
    dbp = new Promise((resolve, reject) => {
      if (!("indexedDB" in globalThis)) { reject(new Error("this browser has no IndexedDB here")); return; }
      const r = indexedDB.open(DB, 1);
      r.onupgradeneeded = () => {
        const db = r.result;
        db.createObjectStore("kv");
        db.createObjectStore("doors", { keyPath: "door_id" });
        db.createObjectStore("passes", { keyPath: "jti" });
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
      r.onblocked = () => reject(new Error("the app's storage is blocked by another tab"));
    });
  }
  return dbp;
}

async function run(store, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    let t, req;
    try {
      t = db.transaction(store, mode);
      req = fn(t.objectStore(store));
    } catch (e) { reject(e); return; }
    t.oncomplete = () => resolve(req ? req.result : undefined);
    t.onerror = () => reject(t.error || (req && req.error));
    t.onabort = () => reject(t.error || new Error("storage transaction aborted"));
  });
}

export const get = (key) => run("kv", "readonly", (s) => s.get(key));
export const put = (key, value) => run("kv", "readwrite", (s) => s.put(value, key));
export const del = (key) => run("kv", "readwrite", (s) => s.delete(key));
export const doors = () => run("doors", "readonly", (s) => s.getAll());
export const putDoor = (d) => run("doors", "readwrite", (s) => s.put(d));
export const passes = () => run("passes", "readonly", (s) => s.getAll());
export const putPass = (p) => run("passes", "readwrite", (s) => s.put(p));
