import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * java -cp 'target/kafka-lib/*' Produce.java BOOTSTRAP TOPIC [FILE]: creates TOPIC (12 partitions)
 * and monitor-dead-letters if they are missing, then sends each line of FILE, keyed by its model.
 */
public class Produce {
    public static void main(String[] args) throws Exception {
        Map<String, Object> config = Map.of("bootstrap.servers", args[0]);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get();
            for (String topic : List.of(args[1], "monitor-dead-letters")) {
                if (!existing.contains(topic)) {
                    admin.createTopics(List.of(new NewTopic(topic, topic.equals(args[1]) ? 12 : 1, (short) 1))).all().get();
                }
            }
        }
        if (args.length < 3) {
            return;
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            long sent = 0;
            for (String line : Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8)) {
                int at = line.indexOf("\"model\":\"");
                String key = at < 0 ? null : line.substring(at + 9, line.indexOf('"', at + 9));
                producer.send(new ProducerRecord<>(args[1], key, line));
                sent++;
            }
            System.out.println("sent " + sent + " events to " + args[1]);
        }
    }
}
