import { suite } from "uvu";
import * as assert from "uvu/assert";
import { isFatBootSector, locateFat } from "../../../../tools/lib/flash/fat.ts";

const test = suite("flash: FAT");

test("locateFat tells a FAT boot sector from an MBR and refuses GPT and foreign partitions", () => {
  const fatSector = () => {
    const s = Buffer.alloc(512);
    s[0] = 0xeb;
    s.writeUInt16LE(512, 11);
    s[13] = 4;
    s[16] = 2;
    s[510] = 0x55;
    s[511] = 0xaa;
    return s;
  };
  const mbr = (type: number, startLba = 8192) => {
    const s = Buffer.alloc(512);
    s[0x1be + 4] = type;
    s.writeUInt32LE(startLba, 0x1be + 8);
    s.writeUInt32LE(65536, 0x1be + 12);
    s[510] = 0x55;
    s[511] = 0xaa;
    return s;
  };
  assert.ok(isFatBootSector(fatSector()));
  assert.not.ok(isFatBootSector(mbr(0x0c)));
  assert.equal(locateFat(() => fatSector(), "x"), { offset: 0, where: "whole image, no partition table" });
  const disk = (s0: Buffer) => (off: number) => (off === 0 ? s0 : fatSector());
  assert.equal(locateFat(disk(mbr(0x0c)), "x").offset, 8192 * 512);
  assert.throws(() => locateFat(disk(mbr(0xee)), "x"), /GPT/);
  assert.throws(() => locateFat(disk(mbr(0x83)), "x"), /no FAT partition \(partitions 1: type 0x83\)/);
  assert.throws(() => locateFat(() => Buffer.alloc(512), "x"), /neither a FAT filesystem nor an MBR/);
  assert.throws(() => locateFat((off) => (off === 0 ? mbr(0x0c) : Buffer.alloc(512)), "x"), /partition 1 \(type 0x0c\) holds no FAT filesystem/);
});

test.run();
