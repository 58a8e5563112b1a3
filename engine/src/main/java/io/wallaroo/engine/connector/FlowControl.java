package io.wallaroo.engine.connector;

/** How the runtime applies back-pressure to one input: stop reading, then start again. */
public interface FlowControl {
    void pause();

    void resume();
}
