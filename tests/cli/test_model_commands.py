from __future__ import annotations

from pianoscope.cli.main import build_parser


def test_train_and_evaluate_are_pianoscope_sub_commands() -> None:
    parser = build_parser()
    train = parser.parse_args(["train", "--epochs", "2", "--threads", "1"])
    assert train.epochs == 2
    assert callable(train.run)
    assert parser.parse_args(["train", "--seed", "1", "--out", "x.pt"]).seed == 1
    assert train.seed is None  # the recipe's own seed
    evaluate = parser.parse_args(["evaluate", "--model-card", "card.md"])
    assert str(evaluate.model_card) == "card.md"
    assert callable(evaluate.run)


def test_leave_one_out_options_name_a_family_and_a_folder(capsys) -> None:
    from pianoscope.cli.model_commands import LEAVE_ONE_OUT
    from pianoscope.model.training.sources import LEAVE_ONE_OUT as FAMILIES

    assert LEAVE_ONE_OUT == FAMILIES  # spelled out for a light --help, kept equal here
    parser = build_parser()
    train = parser.parse_args(["train", "--leave-out", "steinway-b", "--out", "x.pt"])
    assert train.leave_out == "steinway-b"
    assert train.run(parser.parse_args(["train", "--leave-out", "steinway-b"])) == 2
    assert "--leave-out needs --out" in capsys.readouterr().out
    evaluate = parser.parse_args(["evaluate", "--leave-one-out", "loo"])
    assert str(evaluate.leave_one_out) == "loo"
    assert parser.parse_args(["train", "--data-only"]).data_only


def test_train_replaces_the_shipped_weights_only_when_told_to(capsys) -> None:
    args = build_parser().parse_args(["train"])
    assert args.out is None
    assert args.run(args) == 2
    message = capsys.readouterr().out
    assert "--out is needed" in message and "--out resources/classifier.pt" in message
