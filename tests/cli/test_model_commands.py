from __future__ import annotations

from pianoscope.cli.main import build_parser


def test_train_and_evaluate_are_pianoscope_sub_commands() -> None:
    parser = build_parser()
    train = parser.parse_args(["train", "--epochs", "2", "--threads", "1"])
    assert train.epochs == 2
    assert callable(train.run)
    evaluate = parser.parse_args(["evaluate", "--model-card", "card.md"])
    assert str(evaluate.model_card) == "card.md"
    assert callable(evaluate.run)
