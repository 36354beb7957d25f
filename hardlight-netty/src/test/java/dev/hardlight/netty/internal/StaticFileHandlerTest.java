package dev.hardlight.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The static-file answer in a pipeline: chunks of bounded size, written as the channel takes them. */
@Timeout(30)
class StaticFileHandlerTest {
    @TempDir
    Path dir;

    private EmbeddedChannel channel() {
        StaticFiles files = StaticFiles.of(dir);
        return new EmbeddedChannel(new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                StaticFileHandler.serve(ctx, req, files, "");
            }
        });
    }

    @Test
    void fileIsWrittenInBoundedChunksOnlyAsTheChannelIsWritable() throws Exception {
        byte[] data = new byte[10 * StaticFileHandler.CHUNK_SIZE + 5];
        new Random(3).nextBytes(data);
        Files.write(dir.resolve("f.bin"), data);
        EmbeddedChannel ch = channel();
        // A connection that cannot take more: nothing beyond the headers is read from the file.
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/f.bin"));
        HttpResponse head = ch.readOutbound();
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.headers().getInt("content-length")).isEqualTo(data.length);
        assertThat((Object) ch.readOutbound()).isNull();
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        ch.runPendingTasks();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int chunks = 0;
        boolean last = false;
        for (Object m; (m = ch.readOutbound()) != null; ) {
            HttpContent c = (HttpContent) m;
            assertThat(c.content().readableBytes()).isLessThanOrEqualTo(StaticFileHandler.CHUNK_SIZE);
            body.write(ByteBufUtil.getBytes(c.content()));
            last = c instanceof LastHttpContent;
            c.release();
            chunks++;
        }
        assertThat(last).isTrue();
        assertThat(chunks).isGreaterThanOrEqualTo(11);
        assertThat(body.toByteArray()).isEqualTo(data);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void conditionalRequests() {
        Instant modified = Instant.parse("2026-12-06T00:00:00Z");
        String etag = "\"a-b\"";
        assertThat(StaticFileHandler.notModified(new DefaultHttpHeaders().set("If-None-Match", "\"x\", W/\"a-b\""), etag, modified)).isTrue();
        assertThat(StaticFileHandler.notModified(new DefaultHttpHeaders().set("If-None-Match", "*"), etag, modified)).isTrue();
        assertThat(StaticFileHandler.notModified(new DefaultHttpHeaders().set("If-None-Match", "\"x\"")
                .set("If-Modified-Since", "Sun, 06 Dec 2026 00:00:00 GMT"), etag, modified)).isFalse();
        assertThat(StaticFileHandler.notModified(new DefaultHttpHeaders().set("If-Modified-Since", "Sun, 06 Dec 2026 00:00:00 GMT"), etag, modified)).isTrue();
        assertThat(StaticFileHandler.notModified(new DefaultHttpHeaders().set("If-Modified-Since", "Sat, 05 Dec 2026 23:59:59 GMT"), etag, modified)).isFalse();
        assertThat(StaticFileHandler.notModified(new DefaultHttpHeaders().set("If-Modified-Since", "yesterday"), etag, modified)).isFalse();
        assertThat(StaticFileHandler.notModified(new DefaultHttpHeaders(), etag, modified)).isFalse();
    }

    @Test
    void contentTypesByExtension() {
        String[][] expected = {
            {"a.html", "text/html; charset=utf-8"}, {"a.js", "text/javascript; charset=utf-8"},
            {"a.mjs", "text/javascript; charset=utf-8"}, {"a.css", "text/css; charset=utf-8"}, {"a.json", "application/json"},
            {"a.svg", "image/svg+xml"}, {"a.png", "image/png"}, {"a.JPG", "image/jpeg"}, {"a.ico", "image/x-icon"},
            {"a.wasm", "application/wasm"}, {"app.js.map", "application/json"}, {"a.txt", "text/plain; charset=utf-8"},
            {"a.woff2", "font/woff2"}, {"a.exe", "application/octet-stream"}, {"README", "application/octet-stream"},
            {"a.", "application/octet-stream"}};
        for (String[] e : expected) {
            assertThat(StaticFiles.contentType(Path.of(e[0]))).as(e[0]).isEqualTo(e[1]);
        }
    }

    @Test
    void segmentDecodingRefusesSeparatorsControlsAndBadEscapes() {
        assertThat(StaticFiles.decode("a%20b")).isEqualTo("a b");
        assertThat(StaticFiles.decode("%C3%A9t%C3%A9")).isEqualTo("été");
        for (String bad : new String[] {"%2f", "%2F", "%5c", "a\\b", "%00", "%0a", "%7f", "a:b", "%3a", "%", "%4", "%g0", "%c3%28", "%c0%ae", "é"}) {
            assertThat(StaticFiles.decode(bad)).as(bad).isNull();
        }
    }
}
