import json
from decimal import Decimal

from conftest import get, serving

from allora_sdk import models
from allora_sdk.series import Replay, Schedule
from allora_sdk.server import Handlers, answer

REPLAY = Replay({"AAA": [float(i) for i in range(1, 201)], "BBB": [0.5] * 200}, Schedule(epoch_length=10, warmup=60))


def model_handlers(infer=None, forecast=None) -> Handlers:
    return Handlers(
        history=REPLAY.history,
        infer=infer or models.inferer("last"),
        forecast=forecast,
        truth=lambda token, height, topic: REPLAY.truth(token, height),
    )


def test_inference_is_a_plain_decimal_of_the_model_at_that_height():
    with serving(model_handlers()) as url:
        assert get(f"{url}/inference/AAA?height=25&topic=1") == (200, "62", "text/plain; charset=utf-8")
        assert get(f"{url}/inference/BBB?height=0&topic=1")[1] == "0.5"


def test_model_sees_token_history_height_and_topic():
    seen = []

    def infer(token, history, height, topic):
        seen.append((token, len(history), height, topic))
        return Decimal("1.000000000000000000001")  # rounded to 18 decimals

    with serving(model_handlers(infer)) as url:
        assert get(f"{url}/inference/AAA?height=30&topic=7")[1] == "1"
    assert seen == [("AAA", 63, 30, 7)]


def test_truth_is_the_row_the_models_predict():
    with serving(model_handlers()) as url:
        assert get(f"{url}/truth/AAA?height=25&topic=1")[:2] == (200, "63")
        assert REPLAY.history("AAA", 25)[-1] == 62.0


def test_height_may_be_a_path_segment_and_topic_may_be_left_out():
    seen = []

    def infer(token, history, height, topic):
        seen.append((height, topic))
        return 1

    with serving(model_handlers(infer)) as url:
        assert get(f"{url}/truth/AAA/25")[:2] == (200, "63")
        assert get(f"{url}/inference/AAA/25?topic=3")[:2] == (200, "1")
        assert get(f"{url}/inference/AAA?height=25")[:2] == (200, "1")
    assert seen == [(25, 3), (25, None)]


def test_forecast_is_json_of_decimal_strings():
    forecast = lambda token, history, height, topic: {"5Alice": -2.5, "5Bob": Decimal("-0.00001")}  # noqa: E731
    with serving(model_handlers(forecast=forecast)) as url:
        status, body, ctype = get(f"{url}/forecast/AAA?height=10&topic=1")
    assert (status, ctype) == (200, "application/json")
    assert json.loads(body) == {"5Alice": "-2.5", "5Bob": "-0.00001"}


def test_health_is_ok():
    with serving(Handlers()) as url:
        assert get(f"{url}/health")[:2] == (200, "ok")


def test_bad_requests_are_400_with_a_message():
    with serving(model_handlers()) as url:
        assert get(f"{url}/inference/AAA?topic=1")[:2] == (400, "missing query parameter 'height'")
        assert get(f"{url}/inference/AAA?height=x&topic=1")[:2] == (400, "height must be an integer, got 'x'")
        assert get(f"{url}/inference/AAA?height=-5&topic=1")[0] == 400
        status, body, _ = get(f"{url}/inference/ZZZ?height=1&topic=1")
        assert status == 400 and body.startswith("unknown token 'ZZZ'")
        assert get(f"{url}/truth/ZZZ?height=1&topic=1")[0] == 400


def test_unserved_routes_are_404():
    with serving(model_handlers()) as url:
        assert get(f"{url}/forecast/AAA?height=1&topic=1")[0] == 404  # no forecaster here
        assert get(f"{url}/nothing")[0] == 404
        assert get(f"{url}/inference/AAA/1/extra")[0] == 404
        assert get(f"{url}/inference/AAA/extra?topic=1")[0] == 400


def test_a_failing_model_is_a_500_and_the_server_keeps_serving():
    def broken(token, history, height, topic):
        raise RuntimeError("weights not loaded")

    with serving(model_handlers(broken)) as url:
        assert get(f"{url}/inference/AAA?height=1&topic=1")[:2] == (500, "inference failed: RuntimeError: weights not loaded")
        assert get(f"{url}/health")[:2] == (200, "ok")


def test_non_finite_answers_are_500_not_junk():
    with serving(model_handlers(lambda *a: float("nan"))) as url:
        status, body, _ = get(f"{url}/inference/AAA?height=1&topic=1")
    assert status == 500 and "finite" in body


def test_garbage_model_body_reaches_the_client_unchanged():
    with serving(model_handlers(models.inferer("garbage"))) as url:
        assert get(f"{url}/inference/AAA?height=1&topic=1")[:2] == (200, "not-a-number")


def test_tokens_are_url_decoded():
    seen = []
    handlers = Handlers(infer=lambda token, *a: seen.append(token) or 1.0)
    assert answer(handlers, "/inference/ETH%2FUSD?height=1&topic=1").status == 200
    assert seen == ["ETH/USD"]


def test_many_concurrent_requests_are_all_answered():
    from concurrent.futures import ThreadPoolExecutor

    with serving(model_handlers()) as url, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda h: get(f"{url}/inference/AAA?height={h}&topic=1")[:2], range(0, 400, 10)))
    assert results == [(200, str(60 + h // 10)) for h in range(0, 400, 10)]
