;; raft's CRC-32 (MSB-first, polynomial 0x04C11DB7, init from the caller, no final XOR; see
;; crc32.ts) over 16-byte blocks, slicing-by-16: the same algorithm and tables as crc32.ts's
;; `sliced`, compiled by the engine without JavaScript's typed-array bounds checks, about twice as
;; fast. crc32.ts writes the 16 tables at bytes 0..16383 (table k at k * 1024) and the data to
;; checksum from byte 65536; `crc(p, n, crc)` consumes the n & ~15 bytes at p and returns the
;; register, crc32.ts does the head and tail bytes. Assembled into crc32-wasm.ts by
;; test/format/crc32-wasm.test.ts (RR_WRITE_WASM=1 rewrites it), which fails if the two differ.
(module
  (memory (export "memory") 1)
  
  (func (export "crc") (param $p i32) (param $n i32) (param $crc i32) (result i32)
    (local $end i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local.set $end (i32.add (local.get $p) (i32.and (local.get $n) (i32.const -16))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $a (i32.load (local.get $p)))
        (local.set $b (i32.load offset=4 (local.get $p)))
        (local.set $c (i32.load offset=8 (local.get $p)))
        (local.set $d (i32.load offset=12 (local.get $p)))
        (local.set $crc
          (i32.xor
          (i32.xor
          (i32.xor
            (i32.xor
              (i32.load offset=15360 (i32.shl (i32.and (i32.xor (i32.shr_u (local.get $crc) (i32.const 24)) (local.get $a)) (i32.const 255)) (i32.const 2)))
              (i32.load offset=14336 (i32.shl (i32.and (i32.xor (i32.shr_u (local.get $crc) (i32.const 16)) (i32.shr_u (local.get $a) (i32.const 8))) (i32.const 255)) (i32.const 2))))
            (i32.xor
              (i32.load offset=13312 (i32.shl (i32.and (i32.xor (i32.shr_u (local.get $crc) (i32.const 8)) (i32.shr_u (local.get $a) (i32.const 16))) (i32.const 255)) (i32.const 2)))
              (i32.load offset=12288 (i32.shl (i32.and (i32.xor (local.get $crc) (i32.shr_u (local.get $a) (i32.const 24))) (i32.const 255)) (i32.const 2)))))
          (i32.xor
            (i32.xor
              (i32.load offset=11264 (i32.shl (i32.and (local.get $b) (i32.const 255)) (i32.const 2)))
              (i32.load offset=10240 (i32.shl (i32.and (i32.shr_u (local.get $b) (i32.const 8)) (i32.const 255)) (i32.const 2))))
            (i32.xor
              (i32.load offset=9216 (i32.shl (i32.and (i32.shr_u (local.get $b) (i32.const 16)) (i32.const 255)) (i32.const 2)))
              (i32.load offset=8192 (i32.shl (i32.shr_u (local.get $b) (i32.const 24)) (i32.const 2))))))
          (i32.xor
          (i32.xor
            (i32.xor
              (i32.load offset=7168 (i32.shl (i32.and (local.get $c) (i32.const 255)) (i32.const 2)))
              (i32.load offset=6144 (i32.shl (i32.and (i32.shr_u (local.get $c) (i32.const 8)) (i32.const 255)) (i32.const 2))))
            (i32.xor
              (i32.load offset=5120 (i32.shl (i32.and (i32.shr_u (local.get $c) (i32.const 16)) (i32.const 255)) (i32.const 2)))
              (i32.load offset=4096 (i32.shl (i32.shr_u (local.get $c) (i32.const 24)) (i32.const 2)))))
          (i32.xor
            (i32.xor
              (i32.load offset=3072 (i32.shl (i32.and (local.get $d) (i32.const 255)) (i32.const 2)))
              (i32.load offset=2048 (i32.shl (i32.and (i32.shr_u (local.get $d) (i32.const 8)) (i32.const 255)) (i32.const 2))))
            (i32.xor
              (i32.load offset=1024 (i32.shl (i32.and (i32.shr_u (local.get $d) (i32.const 16)) (i32.const 255)) (i32.const 2)))
              (i32.load (i32.shl (i32.shr_u (local.get $d) (i32.const 24)) (i32.const 2))))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l)))
    (local.get $crc))
)
