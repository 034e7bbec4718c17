import struct

import numpy as np
import pytest
from nbs_tables import nb101
from nbs_tables.tfrecord import iter_records, read_nb101_tfrecord

from nasbench_suite import ConfigError, DataFileError
from nasbench_suite.specs import Spec


@pytest.fixture(scope="module")
def table(suite):
    return suite.table(Spec("nb101"))


def test_shipped_table_has_every_cell(table):
    assert len(table) == 151644
    assert set(table.targets) == {"val_accuracy", "test_accuracy", "halfway_val_accuracy"}
    assert 0.9 < table.targets["test_accuracy"].max() < 0.96
    assert table.archs.costs["params"].min() > 0


def test_ids_are_official_hashes_of_the_cells(table):
    rng = np.random.default_rng(0)
    for index in rng.choice(len(table), size=200, replace=False):
        size = int(table.archs.num_nodes[index])
        ops = [table.archs.space.operations[i] for i in table.archs.operations[index, :size]]
        assert nb101.module_hash(table.archs.adjacency[index, :size, :size], ops) == table.archs.ids[index]


def test_adjacency_packing_round_trips():
    rng = np.random.default_rng(1)
    matrices = np.triu(rng.integers(0, 2, size=(50, 7, 7)), 1).astype(np.uint8)
    assert np.array_equal(nb101.unpack_adjacency(nb101.pack_adjacency(matrices)), matrices)


def test_tfrecord_reader_matches_the_official_table(table, shared_data):
    path = shared_data / "nb101" / "tfrecord" / "energy_4V9E_estimate.tfrecord"
    records = list(read_nb101_tfrecord(path))
    assert len(records) == 364 and {r.epochs for r in records} == {4, 12, 36, 108}
    for record in records[:20]:
        size = len(record.operations)
        matrix = np.frombuffer(record.adjacency.encode(), dtype=np.uint8).reshape(size, size) - ord("0")
        assert nb101.module_hash(matrix, record.operations) == record.module_hash
    # cells also in the shipped table carry NB101's own numbers
    index = {h: i for i, h in enumerate(table.archs.ids)}
    common = [r for r in records if r.epochs == 108 and r.module_hash in index]
    assert len(common) == 37
    for record in common:
        i = index[record.module_hash]
        assert record.trainable_parameters == table.archs.costs["params"][i]
        assert record.evaluations[-1].validation_accuracy == pytest.approx(table.targets["val_accuracy"][i], abs=1e-6)


def test_benchmark_reads_a_user_tfrecord(suite, shared_data):
    path = shared_data / "nb101" / "tfrecord" / "energy_4V9E.tfrecord"
    table = suite.table(Spec("nb101", {"path": str(path)}))
    assert len(table) == 91 and np.isfinite(table.targets["val_accuracy"]).all()
    four_epochs = suite.table(Spec("nb101", {"path": str(path), "epochs": 4}))
    assert four_epochs.targets["val_accuracy"].mean() < table.targets["val_accuracy"].mean()


def test_benchmark_options_are_validated():
    with pytest.raises(ConfigError, match="epochs must be one of"):
        nb101.NB101(epochs=50)
    with pytest.raises(ConfigError, match="108 epochs only"):
        nb101.NB101(epochs=36)


def test_corrupt_and_truncated_tfrecords_name_the_file(shared_data, tmp_path):
    data = (shared_data / "nb101" / "tfrecord" / "energy_4V9E_estimate.tfrecord").read_bytes()
    truncated = tmp_path / "truncated.tfrecord"
    truncated.write_bytes(data[: len(data) - 100])
    with pytest.raises(DataFileError, match="truncated.tfrecord: truncated record at byte"):
        list(iter_records(truncated))
    flipped = bytearray(data)
    flipped[100] ^= 0xFF
    corrupt = tmp_path / "corrupt.tfrecord"
    corrupt.write_bytes(bytes(flipped))
    with pytest.raises(DataFileError, match="corrupt.tfrecord: data CRC mismatch in record at byte 0"):
        list(iter_records(corrupt))
    not_tfrecord = tmp_path / "table.csv"
    not_tfrecord.write_text("hash,adjacency\n" * 10)
    with pytest.raises(DataFileError, match="length CRC mismatch at byte 0"):
        list(iter_records(not_tfrecord))
    with pytest.raises(DataFileError, match="missing.tfrecord: cannot open"):
        list(iter_records(tmp_path / "missing.tfrecord"))


def test_valid_framing_with_a_bad_payload_is_reported(tmp_path):
    from nbs_tables.tfrecord import masked_crc32c

    payload = b'["abc", 108]'
    header = struct.pack("<Q", len(payload))
    path = tmp_path / "bad.tfrecord"
    path.write_bytes(
        header + struct.pack("<I", masked_crc32c(header)) + payload + struct.pack("<I", masked_crc32c(payload))
    )
    with pytest.raises(DataFileError, match="record 0 is not a NAS-Bench-101 record"):
        list(read_nb101_tfrecord(path))
    empty = tmp_path / "empty.tfrecord"
    empty.write_bytes(b"")
    with pytest.raises(DataFileError, match="no records with 108 epochs"):
        nb101.arrays_from_tfrecord(empty)
